"""jiaoguan (交管): traffic-administration service platform."""

__version__ = "0.1.0"

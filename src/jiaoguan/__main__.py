from jiaoguan.cli import app

app()

"""Synthetic Chinese names, streets and company names (common characters, no real people)."""

from __future__ import annotations

import random

from jiaoguan.demo.weighted import Weighted

# The most common surnames, roughly in order of frequency (so earlier ones are drawn more often).
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
            "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱覃武戴孔汤庞")
_SURNAME = Weighted((s, 1.0 / (i + 8)) for i, s in enumerate(SURNAMES))
_MALE = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林洋志建国峰晨博文斌振海东亮成"
_FEMALE = "芳娜敏静丽艳娟霞燕玲桂丹萍红梅琳雪莉倩婷慧颖琴洁璐佳瑶欣怡悦晶月菲岚蕾薇淑兰秀英"
_STREETS = ("人民路", "解放路", "建设路", "中山路", "和平路", "长江路", "新华路", "光明路", "胜利路", "文化路",
            "朝阳路", "青年路", "东风路", "团结路", "幸福路", "南京路", "滨江路", "学府路", "科技路", "工业大道")
_COMPANY_WORDS = ("顺达", "安通", "恒运", "宏远", "鑫路", "通达", "捷安", "华运", "远航", "众诚", "中通", "盛安",
                  "畅行", "万里", "长风", "永顺")
_COMPANY_KINDS = ("物流有限公司", "运输有限公司", "供应链管理有限公司", "货运有限公司", "冷链物流有限公司")


def surname(rng: random.Random) -> str:
    return _SURNAME(rng)


def person_name(rng: random.Random, male: bool) -> str:
    chars = _MALE if male else _FEMALE
    given = rng.choice(chars) if rng.random() < 0.35 else rng.choice(chars) + rng.choice(chars)
    return surname(rng) + given


def street_address(rng: random.Random, place: str) -> str:
    return f"{place}{rng.choice(_STREETS)}{rng.randrange(1, 400)}号"


def company_name(rng: random.Random, city: str) -> str:
    return f"{city}{rng.choice(_COMPANY_WORDS)}{rng.choice(_COMPANY_KINDS)}"

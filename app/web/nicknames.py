"""Students' nicknames: a friendly one made up when none is given, a short bad-word filter, and no two alike in
a class. A nickname is all that is stored about a student besides their work."""

import secrets
import unicodedata

ADJECTIVES = {"en": ["Brave", "Calm", "Clever", "Curious", "Eager", "Gentle", "Happy", "Lucky", "Quick", "Quiet",
                     "Sunny", "Swift", "Bright", "Bold", "Kind", "Merry"],
              "zh": ["勇敢的", "安静的", "聪明的", "好奇的", "快乐的", "敏捷的", "温和的", "明亮的", "幸运的",
                     "认真的"]}
ANIMALS = {"en": ["Panda", "Otter", "Falcon", "Dolphin", "Fox", "Koala", "Owl", "Tiger", "Heron", "Lynx", "Crane",
                  "Badger", "Beaver", "Gecko", "Puffin", "Yak"],
           "zh": ["熊猫", "水獭", "猎鹰", "海豚", "狐狸", "考拉", "猫头鹰", "老虎", "白鹭", "仙鹤", "松鼠", "企鹅"]}
# A short list, matched in lower case anywhere in the name: enough to keep the obvious off a projected dashboard.
REFUSED = ("fuck", "shit", "bitch", "cunt", "dick", "nigg", "fag", "whore", "slut", "rape", "nazi", "hitler",
           "傻逼", "傻b", "操你", "草你", "妈的", "他妈", "婊子", "贱人", "去死", "滚蛋", "鸡巴", "屌")
MOST_CHARACTERS = 24


class NameRefused(ValueError):
    """A nickname the filter refuses."""


def made_up(language: str) -> str:
    """A friendly nickname such as "Curious Otter" or "好奇的水獭"."""
    language = language if language in ADJECTIVES else "en"
    adjective, animal = secrets.choice(ADJECTIVES[language]), secrets.choice(ANIMALS[language])
    return f"{adjective}{animal}" if language == "zh" else f"{adjective} {animal}"


def cleaned(typed: str) -> str:
    """The typed name without control characters and surrounding or repeated spaces, at most MOST_CHARACTERS;
    NameRefused if the filter refuses it."""
    name = "".join(ch for ch in unicodedata.normalize("NFC", typed) if unicodedata.category(ch)[0] != "C")
    name = " ".join(name.split())[:MOST_CHARACTERS].strip()
    folded = name.casefold().replace(" ", "")
    if any(word in folded for word in REFUSED):
        raise NameRefused(name)
    return name


def unique(name: str, taken: set[str]) -> str:
    """``name``, or ``name 2``, ``name 3``... : the first that no one in the class has (ignoring case)."""
    taken = {other.casefold() for other in taken}
    if name.casefold() not in taken:
        return name
    number = 2
    while f"{name} {number}".casefold() in taken:
        number += 1
    return f"{name} {number}"

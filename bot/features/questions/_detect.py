"""Offline, light language detection for short questions.

No model is loaded: a question's script and its distinctive letters and
common words say the language in most cases (Pashto ښ ږ ځ, Urdu ے ں ٹ,
Persian پ چ ژ گ, Arabic ة أ, Sorani ە ێ ۆ, Turkish ğ ı, Kurmanji ê î û
without French é è à, Ukrainian і ї є, Russian ы э ъ; Bengali and Ge'ez
script each name one language). Latin letters may also be romanised Urdu,
Arabic, Persian or Pashto ("mujhe madad chahiye", "wein el mostashfa"): their
frequent words say so, and such text is never taken for Somali or Turkish.
When the clues do not settle it, :func:`detect` says so and names the
candidates instead of guessing.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from bot.i18n._normalize import normalize, tokens

# Letters only one of the served Arabic-script languages uses.
_PASHTO = set("ښږځڅټډړڼېۍ")
_URDU = set("ےںٹڈڑہھۓۃ")
_PERSIAN_OR_URDU = set("پچژگیک")
_ARABIC = set("ةىأإيكؤ")
_SORANI = set("ەێۆڵڕڤ")
_TURKISH = set("ğıİĞ")
_TURKISH_OR_KURMANJI = set("şŞ")
_FRENCH = set("éèêàùâîôûëïœæÉÈÀ")
_TURKISH_OR_FRENCH = set("çÇöüÖÜ")
_KURMANJI_OR_FRENCH = set("êîûÊÎÛ")
_FRENCH_ONLY = set("éèàùâôëïœæÉÈÀ")
"""French letters Kurmanji never writes: with them, ê î û are French; without, Kurmanji."""
_UKRAINIAN = set("іїєґІЇЄҐ")
_RUSSIAN = set("ыэъёЫЭЪЁ")

def _words(text: str) -> frozenset[str]:
    return frozenset(normalize(w) for w in text.split())


# Frequent short words of questions, as typed; they are compared normalized.
_WORDS: dict[str, frozenset[str]] = {
    "ar": _words("في من على الى هل كيف اين وين ماذا شو ليش لماذا متى عندي اريد بدي ابغى ابي احتاج انا هو "
                 "هي هذا هذه الذي التي مع عن لا ما لي اجد نجد احصل احتاج فين ازاي شلون اشلون ايش قديش عايز عاوز كيفاش "
                 "فيه في عنا عندنا"),
    "fa": _words("است هست هستم کجا کجاست کجايه چطور چگونه چه را برای از به با دارم ميخواهم ميخوام من ما "
                 "شما اين آن کنم کنيم بايد چيست نيست ميتوانم ميشه پيدا بگيرم چجوري چطوري بهم واسه کجاس"),
    "ur": _words("هے هيں ميں کيا کيسے کهاں چاهيے چاهيي ملے گي کے کي کا سے کو هوں مجهے چاهيے کرنا نهيں اور يه وه "
                 "کروں سکتا سکتي"),
    "ps": _words("زه ته دا په چيرته څنگه کوم غواړم لرم يم دي"),
    "en": _words("the a an i is are am where how what who when can do does my me to for of in on "
                 "need want have find get there with please"),
    "fr": _words("je le la les des un une est ou comment quoi qui quand pour avec mon ma mes suis "
                 "besoin veux trouver il y a du au aux ce cette dans pas de d j ai l"),
    "tr": _words("ve bir bu ne nasil nerede nereye var yok mi mu icin ile ben benim istiyorum lazim "
                 "gerek neden kim hangi nereden"),
    "so": _words("waa iyo ma sidee xaggee meeshee aan ka ku u ayaa maxaa qof waxaan rabaa"),
    "kmr": _words("ez li ku çawa çi kî kengî dikarim dixwazim divê min heye tune nîne ji bo û yê di jî kû "
                  "hewce pêwîst"),
    "ckb": _words("لە بۆ چۆن کوێ لەکوێ چی کێ کەی من تۆ ئێمە دەمەوێ پێویستم هەیە نییە دەتوانم بە ئەم ئەو "
                  "چەند دەبێت"),
    "ru": _words("где как что кто когда мне меня мой моя мою я нужно нужен нужна хочу можно есть нет и в на "
                 "с по для у из это ли ли где-то куда сколько"),
    "uk": _words("де як що хто коли мені мене мій моя мою я потрібно потрібен потрібна хочу можна є немає і й "
                 "в на з по для у із це чи куди скільки"),
    "bn": _words("আমি আমার আমাকে কোথায় কিভাবে কীভাবে কি কী কেন কখন চাই দরকার আছে নেই এবং ও এই সেই জন্য "
                 "থেকে করব করতে পারি হবে কোন"),
    "ti": _words("ኣበይ ከመይ እንታይ መን መዓስ ኣለኒ የብለይን ደሊየ እየ እዩ ኣብ ናብ ካብ ምስ እዚ እቲ ክንደይ ይኽእል "
                 "ኣሎ የለን"),
}
# Frequent words of romanised Urdu, Arabic (Arabizi), Persian (Finglish) and Pashto: Latin letters, but
# not a Latin-script language. Seeing them, a question is never taken for Somali or Turkish.
_ROMAN_WORDS: dict[str, frozenset[str]] = {
    "ur": _words("hai hain ka ki ke ko se mein mujhe mera meri mere kya kaise kahan kyun nahi nahin chahiye "
                 "chahie karna karun karoon hoon hun gaya gayi raha rahi aur bhi koi kuch liye wala wali hota "
                 "hoga hogi milega milegi tha thi aap hum yeh woh bohat bahut madad kab par pe banwana"),
    "ar": _words("ana enta inta shu sho esh wein wen fein fen kif keef kaif ezay izzay leh lesh lish bidi bde "
                 "baddi bghit abi abgha ayez 3ayez 3ande 3indi 3andi fi fee el il ma mish msh mafi wallah 3ala "
                 "3an mn hon hone hena hada hayda shi chi kayn kayna ta3 dyal bas hala2 lazem mumkin momken "
                 "3afak yalla tayeb 3anna 3anna ya3ni ibni binti"),
    "fa": _words("man shoma mikham mikhay mikhaim mikhastam kojast koja kojaye chetor chetori chejuri chejoori "
                 "chera chand chande hast hastam nist ast baraye az ro ham mishe mitunam begiram bedam konam "
                 "kardam nadaram daram kheili khayli lotfan nadadan befrestam"),
    "ps": _words("za zma sta mung pa da che sanga tsanga tsenga chirta cherta ghwaram ghwarm larom lrum yam yem "
                 "dey kawal kawam kho"),
}
FUNCTION_WORDS = frozenset().union(*_WORDS.values(), *_ROMAN_WORDS.values())
"""Question words and particles of every served language: the index weighs them little."""

_ARABIC_SCRIPT = ("ar", "fa", "ur", "ps", "ckb")
_LATIN = ("en", "fr", "tr", "so", "kmr")
_CYRILLIC = ("ru", "uk")
_ONE_LANGUAGE_SCRIPTS = {"bengali": "bn", "ethiopic": "ti"}
"""Scripts only one served language writes (Amharic readers of Ge'ez are sent to Tigrinya too)."""


@dataclass(frozen=True)
class Detection:
    """The language of a text: ``language`` when sure, else the ``candidates`` that share its script."""

    language: str | None
    candidates: tuple[str, ...]
    romanised: bool = False
    """True when the language is written in Latin letters but is not a Latin-script one (Roman Urdu, Arabizi)."""


def _script_of(ch: str) -> str:
    if "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" or "\ufb50" <= ch <= "\ufefc":
        return "arabic"
    if "\u0400" <= ch <= "\u052f":
        return "cyrillic"
    if "\u0980" <= ch <= "\u09ff":
        return "bengali"
    if "\u1200" <= ch <= "\u139f" or "\u2d80" <= ch <= "\u2ddf" or "\uab00" <= ch <= "\uab2f":
        return "ethiopic"
    if ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN"):
        return "latin"
    return ""


def _script(text: str) -> str:
    """The script most of the letters of ``text`` are in (Latin when tied with another), or ``""``."""
    counts: dict[str, int] = {}
    for ch in text:
        script = _script_of(ch)
        if script:
            counts[script] = counts.get(script, 0) + 1
    if not counts:
        return ""
    return max(counts, key=lambda name: (counts[name], name != "latin"))


def _by_words(words: list[str], candidates: tuple[str, ...]) -> str | None:
    counts = {lang: sum(1 for w in words if w in _WORDS[lang]) for lang in candidates}
    best = max(counts.values(), default=0)
    winners = [lang for lang, n in counts.items() if n == best]
    return winners[0] if best > 0 and len(winners) == 1 else None


def detect(text: str) -> Detection:
    """Guess the language of ``text`` among the served ones (``fa`` stands for Persian and Dari)."""
    script = _script(text)
    if not script:
        return Detection(None, ())
    letters = set(text)
    words = tokens(text)
    if script in _ONE_LANGUAGE_SCRIPTS:
        return Detection(_ONE_LANGUAGE_SCRIPTS[script], (_ONE_LANGUAGE_SCRIPTS[script],))
    if script == "cyrillic":
        if letters & _UKRAINIAN and not letters & _RUSSIAN:
            return Detection("uk", _CYRILLIC)
        if letters & _RUSSIAN and not letters & _UKRAINIAN:
            return Detection("ru", _CYRILLIC)
        by_words = _by_words(words, _CYRILLIC)
        return Detection(by_words, _CYRILLIC)
    if script == "arabic":
        if letters & _SORANI:
            return Detection("ckb", _ARABIC_SCRIPT)
        if letters & _PASHTO:
            return Detection("ps", _ARABIC_SCRIPT)
        if letters & _URDU:
            return Detection("ur", _ARABIC_SCRIPT)
        if letters & _PERSIAN_OR_URDU and not letters & _ARABIC:
            by_words = _by_words(words, ("fa", "ur"))
            return Detection(by_words or "fa", _ARABIC_SCRIPT) if by_words or not words else \
                Detection(None, ("fa", "ur"))
        if letters & _ARABIC and not letters & _PERSIAN_OR_URDU:
            return Detection("ar", _ARABIC_SCRIPT)
        return Detection(_by_words(words, _ARABIC_SCRIPT), _ARABIC_SCRIPT)
    roman = {lang: sum(1 for w in words if w in _ROMAN_WORDS[lang]) for lang in _ROMAN_WORDS}
    latin = {lang: sum(1 for w in words if w in _WORDS[lang]) for lang in _LATIN}
    best_roman = max(roman, key=lambda lang: roman[lang])
    if roman[best_roman] > max(latin.values()):
        unique = [lang for lang, n in roman.items() if n == roman[best_roman]]
        return Detection(best_roman if len(unique) == 1 else None, tuple(unique), romanised=True)
    if letters & _TURKISH:
        return Detection("tr", _LATIN)
    if letters & _KURMANJI_OR_FRENCH and not letters & _FRENCH_ONLY:
        return Detection("kmr", _LATIN)
    if letters & _TURKISH_OR_KURMANJI:
        by_words = _by_words(words, ("tr", "kmr"))
        return Detection(by_words, _LATIN) if by_words else Detection(None, ("tr", "kmr"))
    if letters & _FRENCH:
        return Detection("fr", _LATIN)
    by_words = _by_words(words, _LATIN)
    if by_words is None and letters & _TURKISH_OR_FRENCH:
        return Detection(None, ("tr", "fr", "kmr"))
    return Detection(by_words, _LATIN)

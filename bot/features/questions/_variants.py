"""Everyday words of dialects and variants, each with the word the catalogs write for it.

The catalogs are written in Modern Standard Arabic and standard Persian.
Newcomers write Levantine, Iraqi, Egyptian, Gulf or Sudanese Arabic ("بدي
شغل", "وين", "شلون", "عيان"), colloquial Persian ("میخوام", "چجوری",
"خونه") and Dari, whose vocabulary differs from Iranian Persian (مکتب for
school, شفاخانه for hospital, پوهنتون for university, تذکره for the ID card).
A question's word found here also counts as the standard word(s); the
question's own word still counts too. Keys and values are compared after
:func:`bot.i18n.normalize` (so ي/ی, ك/ک and ة/ه spellings all match).
"""

from __future__ import annotations

from bot.i18n import normalize


def _table(pairs: dict[str, str]) -> dict[str, tuple[str, ...]]:
    return {normalize(k): tuple(normalize(v).split()) for k, v in pairs.items()}


ARABIC = _table({
    # wanting, asking
    "بدي": "اريد", "بدنا": "نريد", "بدو": "يريد", "ابغى": "اريد", "ابغي": "اريد", "ابي": "اريد", "عايز": "اريد",
    "عاوز": "اريد", "عايزه": "اريد", "نبغي": "اريد", "بغيت": "اريد", "محتاج": "احتاج",
    "وين": "اين", "فين": "اين", "وينه": "اين", "شلون": "كيف", "ازاي": "كيف", "كيفاش": "كيف", "اشلون": "كيف",
    "شو": "ماذا", "ايش": "ماذا", "قديش": "كم", "بكم": "كم",
    # health
    "عيان": "مريض", "عيانه": "مريضه", "تعبان": "مريض", "سخن": "حمى", "سخنه": "حمى", "سخونه": "حمى",
    "مستوصف": "عياده", "حكيم": "طبيب", "دكتور": "طبيب", "دكتوره": "طبيب", "اسبتالية": "مستشفى",
    "مستشفي": "مستشفى", "دوا": "دواء", "اجزخانه": "صيدليه", "فرمسيه": "صيدليه", "صيدليه": "صيدليه",
    # work and pay: أجر is a wage, أجرة a fare
    "شغل": "عمل", "شغله": "عمل", "اشتغل": "اعمل", "خدمه": "عمل", "معاش": "راتب", "معاشي": "راتبي",
    "اجري": "راتبي", "اجوري": "راتبي", "المعلم": "صاحب العمل", "الكفيل": "صاحب العمل",
    # home, papers, money, going around
    "بيت": "منزل سكن", "شقه": "سكن", "ايجار": "ايجار", "اجار": "ايجار", "يطردنا": "طرد", "يطلعنا": "طرد",
    "فلوس": "مال", "مصاري": "مال", "ادز": "ارسل", "احول": "ارسل", "ببلاش": "مجاني", "بلاش": "مجاني",
    "كرت": "بطاقه", "كارت": "بطاقه", "الباص": "الحافله", "باص": "حافله", "تاكسي": "سياره اجره",
    "جوازي": "جواز السفر", "فقدت": "ضاع", "ضيعت": "ضاع", "سفري": "سفر", "اوراقي": "وثائق", "ولاد": "اطفال",
    "الولاد": "الاطفال", "ابني": "طفل", "بنتي": "طفل", "هون": "هنا", "هنيه": "هنا",
})
"""Levantine, Iraqi, Egyptian, Gulf, Sudanese and Maghrebi everyday words -> Modern Standard Arabic."""

PERSIAN = _table({
    # colloquial Persian
    "میخوام": "میخواهم", "میخواستم": "میخواهم", "چجوری": "چطور", "چطوری": "چطور", "چیجوری": "چطور",
    "بهم": "به من", "کجاس": "کجاست", "خونه": "خانه", "صاحبخونه": "صاحبخانه", "زبون": "زبان",
    "داروخونه": "داروخانه", "خونوادم": "خانواده", "خونواده": "خانواده", "بچم": "کودک", "بچمو": "کودک",
    "ارزون": "ارزان", "مجانی": "رایگان", "نون": "غذا", "پولمو": "حقوق", "حقوقمو": "حقوق",
    "دکتر": "پزشک دکتر", "واسه": "برای", "بهداشت": "سلامت", "بهداشتی": "سلامت",
    # Dari (Afghanistan) -> Iranian Persian
    "مکتب": "مدرسه", "مکاتب": "مدرسه", "شاگرد": "دانش آموز", "شفاخانه": "بیمارستان",
    "پوهنتون": "دانشگاه", "تذکره": "مدارک شناسایی", "لایسنس": "گواهینامه", "جواز": "مجوز",
    "کرایه": "اجاره کرایه", "کرایی": "اجاره", "دواخانه": "داروخانه", "پولیس": "پلیس", "داکتر": "دکتر پزشک",
    "موتر": "ماشین خودرو", "تکسی": "تاکسی", "صنف": "کلاس", "لسان": "زبان", "نمبر": "شماره", "اولاد": "کودک",
    "اولادم": "کودک", "مریض": "بیمار", "پیسه": "پول", "روان": "فرستادن", "فامیل": "خانواده",
    "فامیلم": "خانواده", "رخصتی": "تعطیلات", "شمولیت": "ثبت نام", "شامل": "ثبت نام",
    "معاش": "حقوق", "معاشم": "حقوق", "حامله": "باردار", "واکسین": "واکسن", "خانمم": "همسر", "مفت": "رایگان",
    "ضرورت": "نیاز", "نویسی": "ثبت", "کورس": "کلاس دوره", "بس": "اتوبوس", "اطفال": "کودکان",
    "دوکتور": "دکتر", "لت": "کتک خشونت",
})
"""Colloquial Persian and Dari words -> the standard Persian of the catalogs (for fa and fa_AF users)."""

VARIANTS = {"ar": ARABIC, "fa": PERSIAN}
"""Per language family: a typed word -> the standard words it also counts as."""


def variants(family: str) -> dict[str, tuple[str, ...]]:
    """The variant table of a language family (``fa`` serves Persian and Dari), empty when it has none."""
    return VARIANTS.get(family, {})

"""Hosts get the city in Japanese and Korean, as cohorts and itinerary items have their texts.

Existing hosts in the main cities of the three countries get the usual Japanese and Korean
names filled in; any other city keeps showing the English name until staff add them.
"""

from django.db import migrations, models

# English name (lower case) -> (Japanese, Korean).
KNOWN_CITIES = {
    "tokyo": ("東京", "도쿄"),
    "osaka": ("大阪", "오사카"),
    "kyoto": ("京都", "교토"),
    "yokohama": ("横浜", "요코하마"),
    "nagoya": ("名古屋", "나고야"),
    "fukuoka": ("福岡", "후쿠오카"),
    "sapporo": ("札幌", "삿포로"),
    "hiroshima": ("広島", "히로시마"),
    "seoul": ("ソウル", "서울"),
    "busan": ("釜山", "부산"),
    "incheon": ("仁川", "인천"),
    "daegu": ("大邱", "대구"),
    "gwangju": ("光州", "광주"),
    "daejeon": ("大田", "대전"),
    "washington": ("ワシントン", "워싱턴"),
    "washington, d.c.": ("ワシントンD.C.", "워싱턴 D.C."),
    "new york": ("ニューヨーク", "뉴욕"),
    "los angeles": ("ロサンゼルス", "로스앤젤레스"),
    "san francisco": ("サンフランシスコ", "샌프란시스코"),
    "chicago": ("シカゴ", "시카고"),
    "honolulu": ("ホノルル", "호놀룰루"),
}


def fill_known_cities(apps, schema_editor):
    Host = apps.get_model("exchanges", "Host")
    for host in Host.objects.filter(city_ja="", city_ko="").only("pk", "city"):
        names = KNOWN_CITIES.get(host.city.strip().lower())
        if names:
            Host.objects.filter(pk=host.pk).update(city_ja=names[0], city_ko=names[1])


class Migration(migrations.Migration):
    dependencies = [
        ("exchanges", "0028_question_date_range"),
    ]

    operations = [
        migrations.AddField(
            model_name="host",
            name="city_ja",
            field=models.CharField(blank=True, max_length=100, verbose_name="city (Japanese)"),
        ),
        migrations.AddField(
            model_name="host",
            name="city_ko",
            field=models.CharField(blank=True, max_length=100, verbose_name="city (Korean)"),
        ),
        migrations.AlterField(
            model_name="host",
            name="city",
            field=models.CharField(max_length=100, verbose_name="city (English)"),
        ),
        migrations.RunPython(fill_known_cities, migrations.RunPython.noop),
    ]

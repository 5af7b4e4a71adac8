from urllib.parse import urlsplit

from django.conf import settings
from django.db import migrations


def name_the_site(apps, schema_editor):
    """The Site row allauth and the admin read: the product's name and SITE_URL's host, not
    django.contrib.sites' "example.com" (authentication mail said "Hello from !" or named it)."""
    Site = apps.get_model("sites", "Site")
    Site.objects.update_or_create(pk=settings.SITE_ID, defaults={
        "name": settings.TRILINK_SITE_NAME, "domain": urlsplit(settings.SITE_URL).netloc,
    })


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_encrypt_mfa_secrets"),
        ("sites", "0002_alter_domain_unique"),
    ]

    operations = [
        migrations.RunPython(name_the_site, migrations.RunPython.noop),
    ]

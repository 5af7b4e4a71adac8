from django.core.management.color import no_style
from django.db import migrations


def reset_site_sequence(apps, schema_editor):
    """0003 inserted the site with its key given (``SITE_ID``), which leaves PostgreSQL's
    sequence behind it: the next site added (in the admin) collided with it. Set the sequence
    past the existing rows, as django.contrib.sites does when it creates the default site."""
    Site = apps.get_model("sites", "Site")
    connection = schema_editor.connection
    for sql in connection.ops.sequence_reset_sql(no_style(), [Site]):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_session_stamp"),
    ]

    operations = [
        migrations.RunPython(reset_site_sequence, migrations.RunPython.noop),
    ]

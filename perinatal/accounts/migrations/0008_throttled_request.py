"""The password reset throttle's table serves every form anyone may send (issue 13: the access
request form had no throttle): renamed, with the purpose of each request."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_nomination_consent"),
    ]

    operations = [
        migrations.RenameModel(old_name="PasswordResetRequest", new_name="ThrottledRequest"),
        migrations.AddField(
            model_name="throttledrequest",
            name="purpose",
            field=models.CharField(db_index=True, default="password-reset", max_length=20),
        ),
        migrations.AlterField(
            model_name="throttledrequest",
            name="email_digest",
            field=models.CharField(blank=True, db_index=True, max_length=64),
        ),
    ]

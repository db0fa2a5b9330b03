"""The dashboard record tables' foreign keys lose their database constraint (db_constraint=False).

PostgreSQL checked them one row at a time at the commit of an import; the loader now checks a
file's references in one query per referenced table and locks the rows it names
(perinatal/dashboard/imports/references.py). on_delete stays PROTECT: Django's collector
refuses to delete a referenced organisation, site, unit or upload. The columns and their
indexes are unchanged. docs/adr/0024-vectorised-import.md, "Foreign keys checked by the loader".
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('dashboard', '0004_page_cache_table'),
        ('organisations', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='birthrecord',
            name='site',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisations.site'),
        ),
        migrations.AlterField(
            model_name='birthrecord',
            name='trust',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisations.organisation'),
        ),
        migrations.AlterField(
            model_name='birthrecord',
            name='upload',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='births', to='dashboard.upload'),
        ),
        migrations.AlterField(
            model_name='inductionrecord',
            name='site',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisations.site'),
        ),
        migrations.AlterField(
            model_name='inductionrecord',
            name='trust',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisations.organisation'),
        ),
        migrations.AlterField(
            model_name='inductionrecord',
            name='upload',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='inductions', to='dashboard.upload'),
        ),
        migrations.AlterField(
            model_name='neonatalcarerecord',
            name='site',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisations.site'),
        ),
        migrations.AlterField(
            model_name='neonatalcarerecord',
            name='trust',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisations.organisation'),
        ),
        migrations.AlterField(
            model_name='neonatalcarerecord',
            name='upload',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='neonatal_care', to='dashboard.upload'),
        ),
        migrations.AlterField(
            model_name='surveyresult',
            name='trust',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisations.organisation'),
        ),
        migrations.AlterField(
            model_name='surveyresult',
            name='upload',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='survey', to='dashboard.upload'),
        ),
        migrations.AlterField(
            model_name='unitstatusepisode',
            name='unit',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='dashboard_episodes', to='organisations.unit'),
        ),
        migrations.AlterField(
            model_name='unitstatusepisode',
            name='upload',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='unit_status', to='dashboard.upload'),
        ),
    ]

"""The natural keys of one text column (baby_id, induction_id) become UniqueConstraints.

With `unique=True` Django also gives a text column on PostgreSQL a second index with
varchar_pattern_ops, for `LIKE 'abc%'`; no query of the service looks these columns up by
pattern, and each index costs every row of an import. The unique constraint is added first,
so the key is never unguarded; `INSERT … ON CONFLICT (baby_id)` infers it as it did the old one.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('dashboard', '0005_record_references_checked_by_the_loader'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='birthrecord',
            constraint=models.UniqueConstraint(fields=('baby_id',), name='dashboard_birth_natural_key'),
        ),
        migrations.AddConstraint(
            model_name='inductionrecord',
            constraint=models.UniqueConstraint(fields=('induction_id',), name='dashboard_induction_natural_key'),
        ),
        migrations.AddConstraint(
            model_name='neonatalcarerecord',
            constraint=models.UniqueConstraint(fields=('baby_id',), name='dashboard_nnc_natural_key'),
        ),
        migrations.AlterField(
            model_name='birthrecord',
            name='baby_id',
            field=models.CharField(max_length=64),
        ),
        migrations.AlterField(
            model_name='inductionrecord',
            name='induction_id',
            field=models.CharField(max_length=64),
        ),
        migrations.AlterField(
            model_name='neonatalcarerecord',
            name='baby_id',
            field=models.CharField(max_length=64),
        ),
    ]

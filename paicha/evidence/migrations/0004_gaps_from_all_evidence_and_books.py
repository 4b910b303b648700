import django.db.models.deletion
from django.db import migrations, models

import paicha.organizations.tree


def recompute_everything(apps, schema_editor):
    """The stretches are derived: every member is computed again on the next read
    (gaps.catch_up starts from the watermark)."""
    apps.get_model("evidence", "GapWatermark").objects.update(members_up_to=0)


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0003_evidencegap_related_name"),
        ("members", "0009_declared_evidence_and_books"),
        ("organizations", "0002_declared_evidence_and_books"),
    ]

    operations = [
        migrations.DeleteModel(name="EvidenceGap"),
        migrations.CreateModel(
            name="EvidenceGap",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "org_path",
                    paicha.organizations.tree.TreePathField(
                        db_index=True, editable=False, max_length=64, verbose_name="所属组织路径"
                    ),
                ),
                ("start", models.DateField(verbose_name="失去联系起算日期")),
                ("lost_on", models.DateField(verbose_name="满6个月日期")),
                ("over_on", models.DateField(verbose_name="超过6个月日期")),
                ("until", models.DateField(blank=True, null=True, verbose_name="下一次证据日期")),
                ("unverified", models.BooleanField(default=False, verbose_name="无记录待核实")),
                (
                    "member",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="evidence_gaps",
                        to="members.member",
                        verbose_name="党员",
                    ),
                ),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="organizations.organization",
                        verbose_name="党组织",
                    ),
                ),
            ],
            options={
                "verbose_name": "无联系证据的时段",
                "verbose_name_plural": "无联系证据的时段",
                "indexes": [
                    models.Index(
                        condition=models.Q(("until__isnull", True)),
                        fields=["org_path", "lost_on"],
                        name="gap_open_scope_lost_on",
                    ),
                    models.Index(fields=["until", "lost_on"], name="gap_until_lost_on"),
                ],
            },
        ),
        migrations.CreateModel(
            name="BooksDate",
            fields=[
                (
                    "organization",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="books_date",
                        serialize=False,
                        to="organizations.organization",
                        verbose_name="党组织",
                    ),
                ),
                ("opened_on", models.DateField(blank=True, null=True, verbose_name="建账日期")),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("set", "本组织设定"),
                            ("inherited", "上级党组织设定"),
                            ("records", "最早的组织生活或党费记录"),
                            ("import", "首次导入党员名册"),
                            ("none", "尚无记录"),
                        ],
                        default="none",
                        max_length=20,
                        verbose_name="来源",
                    ),
                ),
                (
                    "source_org",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="organizations.organization",
                        verbose_name="来源党组织",
                    ),
                ),
            ],
            options={
                "verbose_name": "适用的建账日期",
                "verbose_name_plural": "适用的建账日期",
            },
        ),
        migrations.RunPython(recompute_everything, migrations.RunPython.noop),
    ]

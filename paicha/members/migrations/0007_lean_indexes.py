"""Fewer indexes on the member table: each one costs every row a roster import writes.

- org_path: member_roster_order and member_scope_status lead with it and serve subtree ranges.
- status: alone it selects little; member_scope_status serves it within a subtree.
- name_initials: searched by prefix only, which on PostgreSQL needs varchar_pattern_ops (one
  index, not Django's plain + _like pair) and on SQLite no index can serve (LIKE).
- id_number: the unique index serves every lookup; Django's extra _like index on PostgreSQL
  serves LIKE, which no query uses on this column.
"""

from django.db import migrations, models

import paicha.organizations.tree

INITIALS = "member_initials_prefix"
ID_LIKE = "members_member_id_number_67abc8ba_like"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INITIALS} "
            "ON members_member (name_initials varchar_pattern_ops)"
        )
        schema_editor.execute(f"DROP INDEX IF EXISTS {ID_LIKE}")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INITIALS}")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {ID_LIKE} "
            "ON members_member (id_number varchar_pattern_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0006_name_prefix_postgresql_only"),
    ]

    operations = [
        migrations.AlterField(
            model_name="member",
            name="name_initials",
            field=models.CharField(editable=False, max_length=30, verbose_name="姓名拼音首字母"),
        ),
        migrations.AlterField(
            model_name="member",
            name="org_path",
            field=paicha.organizations.tree.TreePathField(
                editable=False, max_length=64, verbose_name="所属组织路径"
            ),
        ),
        migrations.AlterField(
            model_name="member",
            name="status",
            field=models.CharField(
                choices=[
                    ("active", "在册"),
                    ("retained", "保留组织关系"),
                    ("suspended", "停止党籍"),
                    ("transferred_out", "已转出"),
                    ("removed", "已出党"),
                    ("deceased", "死亡"),
                ],
                default="active",
                max_length=20,
                verbose_name="状态",
            ),
        ),
        migrations.RunPython(forward, backward),
    ]

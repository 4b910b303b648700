from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS member_name_prefix ON members_member (name varchar_pattern_ops)"
)
DROP = "DROP INDEX IF EXISTS member_name_prefix"


def create(apps, schema_editor):
    # 姓名 prefix search (LIKE '张伟%') whatever the database collation. PostgreSQL only:
    # SQLite's LIKE cannot use an index, so there it would only cost every insert.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0005_name_prefix_index"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="member", name="member_name_prefix"),
        migrations.RunPython(create, drop),
    ]

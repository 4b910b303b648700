"""Members off the roster whose status_date is empty get the date the change took effect,
taken from the records that made it: the disposition's effective date (除名, 开除, 停止党籍,
取消, 不予承认, 死亡), the receipt of the transfer out, the abroad record (定居 → 停止党籍). A
member with none of these records keeps the day his record last changed, the best the data
can say; the migration never touches a member whose date is already set."""

from django.db import migrations

OFF_ROSTER = ("suspended", "transferred_out", "removed", "deceased")


def backfill(apps, schema_editor):
    Member = apps.get_model("members", "Member")
    Disposition = apps.get_model("cases", "Disposition")
    Transfer = apps.get_model("transfers", "Transfer")
    AbroadRecord = apps.get_model("transfers", "AbroadRecord")
    pending = Member.objects.filter(status__in=OFF_ROSTER, status_date__isnull=True)
    for member in pending.only("pk", "status", "updated_at").iterator(chunk_size=2000):
        on = None
        if member.status == "transferred_out":
            on = (
                Transfer.objects.filter(
                    member_id=member.pk, direction="out", receipt_date__isnull=False
                )
                .order_by("-receipt_date")
                .values_list("receipt_date", flat=True)
                .first()
            )
        if on is None and member.status in ("removed", "deceased", "suspended"):
            on = (
                Disposition.objects.filter(
                    case__member_id=member.pk, state="effective", effective_on__isnull=False
                )
                .order_by("-effective_on")
                .values_list("effective_on", flat=True)
                .first()
            )
        if on is None and member.status == "suspended":
            on = (
                AbroadRecord.objects.filter(member_id=member.pk, kind="suspended")
                .order_by("-period_from")
                .values_list("period_from", flat=True)
                .first()
            )
        if on is None:
            on = member.updated_at.date()
        Member.objects.filter(pk=member.pk).update(status_date=on)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0009_declared_evidence_and_books"),
        ("cases", "0002_attempt_signer_count"),
        ("transfers", "0001_initial"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]

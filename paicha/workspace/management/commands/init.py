"""`paicha init`: the top organization and its first 组织部门 account of a new installation."""

import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from paicha.codes import OrgCategory
from paicha.workspace.installation import installation_init, is_empty

FIELDS = {
    "org_name": "组织名称",
    "org_code": "组织代码",
    "org_category": "党组织类别",
    "username": "用户名",
    "password": "密码",
    "full_name": "姓名",
}


class Command(BaseCommand):
    help = "初始化新系统：建立最高一级党组织及其第一个组织部门账号（缺少的项会询问）"

    def add_arguments(self, parser):
        parser.add_argument("--org-name", help="最高一级党组织名称，如 某某大学党委")
        parser.add_argument("--org-code", help="组织代码")
        parser.add_argument(
            "--org-category",
            choices=[c.value for c in OrgCategory],
            help="党组织类别代码：" + "，".join(f"{c.value} {c.label}" for c in OrgCategory),
        )
        parser.add_argument("--username", help="组织部门账号的用户名")
        parser.add_argument("--full-name", default="", help="该账号使用人的姓名")
        parser.add_argument(
            "--password-env", metavar="VAR", help="从该环境变量读取密码（不在命令行上写密码）"
        )
        parser.add_argument("--no-input", action="store_true", help="缺少的项不询问，直接报错")

    def handle(self, *args, **options):
        import os

        if not is_empty():
            raise CommandError("系统已经初始化（已有党组织），不能再次初始化")
        values = {
            "org_name": options["org_name"],
            "org_code": options["org_code"],
            "org_category": options["org_category"],
            "username": options["username"],
            "full_name": options["full_name"],
            "password": os.environ.get(options["password_env"] or "", "") or None,
        }
        for key in ("org_name", "org_code", "org_category", "username", "password"):
            if values[key]:
                continue
            if options["no_input"]:
                raise CommandError(f"缺少{FIELDS[key]}")
            values[key] = self._ask(key)
        try:
            org, account = installation_init(**values)
        except ValidationError as exc:
            lines = [
                f"{FIELDS.get(k, '')}：{'；'.join(v)}" if k in FIELDS else "；".join(v)
                for k, v in exc.message_dict.items()
            ]
            raise CommandError("初始化失败，未建立任何数据：\n" + "\n".join(lines)) from exc
        self.stdout.write(
            f"已建立党组织“{org.name}”（{org.code}）及组织部门账号 {account.username}"
        )

    def _ask(self, key: str) -> str:
        if key == "password":
            first = getpass.getpass("密码：")
            if first != getpass.getpass("再次输入密码："):
                raise CommandError("两次输入的密码不一致")
            return first
        if key == "org_category":
            self.stdout.write(
                "党组织类别：" + "，".join(f"{c.value} {c.label}" for c in OrgCategory)
            )
        return input(f"{FIELDS[key]}：").strip()

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core.apikeys import apikey_create, apikey_revoke
from motcua.core.models import ApiKey


class Command(BaseCommand):
    help = "API keys for integrations: `motcua apikey create --user NAME` prints a new key once."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a key and print it")
        create.add_argument("--user", required=True)
        create.add_argument("--name", default="")
        sub.add_parser("list", help="list keys (prefixes only)")
        revoke = sub.add_parser("revoke", help="revoke a key by id")
        revoke.add_argument("id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "create":
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"no user named {options['user']!r}")
            _row, key = apikey_create(user=user, name=options["name"])
            self.stdout.write(key)
        elif options["action"] == "list":
            for row in ApiKey.objects.select_related("user").order_by("pk"):
                state = "revoked" if row.revoked_at else "active"
                self.stdout.write(f"{row.pk}\t{row.prefix}…\t{row.user.get_username()}\t{row.name}\t{state}")
        else:
            if not ApiKey.objects.filter(pk=options["id"]).exists():
                raise CommandError(f"no key with id {options['id']}")
            apikey_revoke(key_id=options["id"])
            self.stdout.write("revoked")

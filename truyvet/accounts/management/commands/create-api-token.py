"""`truyvet create-api-token USERNAME NAME`: make an API token and print it once."""

from django.core.management.base import BaseCommand, CommandError

from truyvet.accounts.models import User
from truyvet.accounts.tokens import create_token


class Command(BaseCommand):
    help = "Create a bearer token for the HTTP API and print it (it is stored hashed)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("name", help="what the token is for, e.g. 'hr-sync'")

    def handle(self, *args, **options) -> None:
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist:
            raise CommandError(f"no user {options['username']!r}") from None
        if not user.is_active:
            raise CommandError(f"user {user.username!r} is not active")
        _row, token = create_token(user, options["name"])
        self.stdout.write(token)
        if options["verbosity"] > 1:
            self.stderr.write("Keep it safe: it cannot be shown again.")

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandParser

from claims import roles

# username -> (group, is_superuser). Passwords are random, printed once and never stored
# anywhere but the database's password hash.
DEMO_USERS = {
    "admin": (None, True),
    "editor": (roles.EDITORS, False),
    "reviewer": (roles.REVIEWERS, False),
    "reader": (roles.READERS, False),
}


class Command(BaseCommand):
    help = "Create the demo accounts (admin, editor, reviewer, reader) and print their passwords."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset", action="store_true", help="Give existing demo accounts new passwords."
        )

    def handle(self, *args: object, reset: bool = False, **options: object) -> None:
        User = get_user_model()
        lines = []
        for username, (group_name, superuser) in DEMO_USERS.items():
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "email": f"{username}@claimtrack.localhost",
                    "is_staff": superuser,
                    "is_superuser": superuser,
                },
            )
            if group_name:
                user.groups.add(Group.objects.get(name=group_name))
            if created or reset:
                password = secrets.token_urlsafe(9)
                user.set_password(password)
                user.save()
                lines.append(f"  {username:<9} {password}")
            else:
                lines.append(f"  {username:<9} (exists; password unchanged)")
        self.stdout.write("Demo accounts (user, password):")
        self.stdout.write("\n".join(lines))
        if any("exists" in line for line in lines):
            self.stdout.write(
                "Forgotten a password? `python manage.py create_demo_users --reset` sets new ones."
            )

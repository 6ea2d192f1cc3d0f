"""Create the newsroom roles as groups with their permissions (PRODUCT.md, "Who uses it")."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

READ = [
    ("articles", "view_article"),
    ("articles", "view_outlet"),
    ("claims", "view_claim"),
    ("claims", "view_person"),
    ("claims", "view_tag"),
    ("claims", "view_evidence"),
    ("claims", "view_claimevent"),
]
REVIEW = READ + [
    ("claims", "resolve_claim"),
    ("claims", "add_evidence"),
]
EDIT = REVIEW + [
    ("articles", "add_article"),
    ("articles", "change_article"),
    ("articles", "add_outlet"),
    ("articles", "change_outlet"),
    ("claims", "add_claim"),
    ("claims", "change_claim"),
    ("claims", "assign_claim"),
    ("claims", "add_person"),
    ("claims", "change_person"),
    ("claims", "add_tag"),
    ("claims", "change_tag"),
]
ROLES = {"Readers": READ, "Reviewers": REVIEW, "Editors": EDIT}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        perms = [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in codenames
        ]
        group.permissions.set(perms)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0001_initial"),
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]

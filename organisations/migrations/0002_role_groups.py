"""Create one group per role; organisations.roles.sync_role_permissions fills them."""
from django.db import migrations

ROLES = [
    "resident", "intake_clerk", "formal_reviewer", "merit_reviewer", "budget_admin",
    "company_secretary", "shareholder", "council_operator", "council_chair", "councillor",
]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for role in ROLES:
        Group.objects.get_or_create(name=role)


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]

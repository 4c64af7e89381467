"""The names report.toml may use that the data layer gives meaning to: the dataset's tables,
each table's columns and the CRM presets.

They are plain data here, so the config reads and checks the file without importing the data
layer above it. The data layer defines what each name means (data/schema.py: the canonical
columns and their kinds; data/presets: how each CRM's export maps onto them);
tests/test_config_schema.py checks that these names are exactly the data layer's.
"""

from __future__ import annotations

DATA_TABLES = ("deals", "leads", "targets", "campaigns", "actions", "stage_history")
# tables of names a CRM export keeps beside its records: ids in the records become these names
# (users: owners; accounts: the deals' accounts; campaign_members: each lead's campaign)
LOOKUP_TABLES = ("users", "accounts", "campaign_members")

# the presets by name (data/presets: PRESETS), in the order the known ones are listed
PRESET_NAMES = ("canonical", "hubspot", "salesforce", "pipedrive")

# the columns a [data.columns.<table>] or [data.defaults.<table>] may name: each table's
# canonical columns (data/schema.py), then those a CRM preset reads on the way
DATASET_COLUMNS: dict[str, tuple[str, ...]] = {
    "deals": ("deal_id", "name", "account", "owner", "team", "stage", "amount", "currency",
              "created_date", "close_date", "source_channel", "campaign_id", "won_reason",
              "lost_reason", "last_stage_change_date", "probability", "public_reference",
              "pipeline"),
    "leads": ("lead_id", "created_date", "source_channel", "campaign_id", "owner", "mql_date",
              "sql_date", "meeting_date", "opportunity_date", "deal_id", "status",
              "rejection_reason"),
    "targets": ("quarter", "scope", "scope_value", "revenue_target", "new_customers_target",
                "meetings_target"),
    "campaigns": ("campaign_id", "name", "channel", "start_date", "end_date", "owner", "budget",
                  "goal", "sales_actions", "public", "event_date", "event_time", "event_place",
                  "signup_link"),
    "actions": ("action_id", "text", "owner", "team", "agreed_on", "due", "status",
                "closed_on"),
    "stage_history": ("deal_id", "stage", "entered", "amount", "currency", "close_date",
                      "probability", "pipeline", "is_deleted"),  # the last two: presets'
}

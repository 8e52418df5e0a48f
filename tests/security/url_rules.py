"""Who may open each named URL: the rule the permission matrix checks.

A view added without a line here fails ``test_every_url_has_a_rule``: decide who may use
it, write it down, and the matrix tests it for every role.

- ``public``: anyone, signed in or not (it must still never answer with a 500).
- ``signed_in``: any signed-in person; anonymous visitors are sent to the login page.
- ``owner``: the person the object belongs to (their proposal, their export); others get
  403/404, anonymous visitors the login page.
- ``staff``: a role in the organisation that owns the object; people of no or another
  organisation get 403/404 (a 404 does not even acknowledge the object).
- ``hidden``: not served in production (404 to everyone).
"""
RULES = {
    "home": "public",
    "healthz": "public",
    "set_language": "public",
    "intake:my_proposals": "signed_in",
    "intake:proposal_create": "signed_in",
    "intake:proposal_detail": "owner",
    "intake:proposal_update": "owner",
    "intake:proposal_submit": "owner",
    "intake:proposal_print": "owner",
    "intake:attachment_download": "owner",
    "intake:attachment_remove": "owner",
    "intake:projects": "public",
    "intake:results_public": "public",
    "intake:edition_list": "staff",
    "intake:edition_create": "staff",
    "intake:edition_detail": "staff",
    "intake:edition_update": "staff",
    "intake:edition_move": "staff",
    "intake:paper_proposal_create": "staff",
    "intake:proposal_import": "staff",
    "intake:proposal_import_job": "staff",
    "intake:edition_results": "staff",
    "intake:edition_results_compute": "staff",
    "intake:edition_results_publish": "staff",
    "intake:import_template": "staff",
    "ballots:link_request": "public",
    "ballots:link_sent": "public",
    "ballots:card": "public",
    "ballots:thanks": "public",
    "ballots:receipt_check": "public",
    "ballots:paper_entry": "staff",
    "ballots:blank_card": "staff",
    "ballots:blank_card_pdf": "staff",
    "ballots:live_report": "staff",
    "workflows:queue": "signed_in",
    "workflows:inbox": "signed_in",
    "workflows:task": "staff",
    "workflows:task_claim": "staff",
    "workflows:task_release": "staff",
    "workflows:proposals": "staff",
    "workflows:proposals_export": "staff",
    "reports:box_export": "staff",
    "reports:export_job": "owner",
    "reports:export_download": "owner",
    "audit:list": "staff",
    "organisations:dashboard": "staff",
    "notifications:outbox": "hidden",
    "reports:export": "staff",
    "intake:edition_public": "public",
    "intake:project_detail": "public",
    "intake:project_picture": "public",
    "meetings:list": "signed_in",
    "meetings:new": "staff",
    "meetings:register": "public",
    "meetings:detail": "staff",
    "meetings:state": "staff",
    "meetings:setup": "staff",
    "meetings:step": "staff",
    "meetings:vote": "staff",
    "meetings:resolution_step": "staff",
    "meetings:confirmation": "owner",
    "meetings:results_xlsx": "staff",
    "meetings:record_xlsx": "staff",
    "council:sessions": "signed_in",
    "council:session_new": "staff",
    "council:mine": "signed_in",
    "council:document": "staff",
    "council:session": "staff",
    "council:state": "public",
    "council:projector": "public",
    "council:step": "staff",
    "council:public": "public",
    "council:feed": "public",
    "council:public_session": "public",
    "council:export": "public",
}
# Library URL trees with their own permission checks and tests: Django's admin (staff
# accounts only) and allauth's sign-up and login pages (public by nature).
LIBRARY_PREFIXES = ("admin/", "accounts/", "static/", "^static/")

from django.urls import include, path

from exchanges.views import mail, mail_public, matching, placement, staff

staff_patterns = [
    path("", staff.dashboard, name="dashboard"),
    path("", include("exchanges.urls_staff_applications")),
    path("", include("exchanges.urls_staff_reviews")),
    path("", include("exchanges.urls_staff_predeparture")),
    path("matching/", matching.cohorts, name="matching_cohorts"),
    path(
        "cohorts/<int:cohort_id>/matching/",
        include(
            [
                path("", matching.runs, name="matching"),
                path("start/", matching.start, name="matching_start"),
                path("rules/", matching.constraints, name="matching_constraints"),
                path(
                    "rules/<int:pk>/delete/",
                    matching.constraint_delete,
                    name="matching_constraint_delete",
                ),
                path("<int:pk>/", matching.run_detail, name="matching_run"),
                path("<int:pk>/progress/", matching.run_progress, name="matching_progress"),
                path(
                    "<int:pk>/groups/<int:group_id>/lock/",
                    matching.group_lock,
                    name="matching_group_lock",
                ),
                path("<int:pk>/swap/", matching.swap, name="matching_swap"),
                path("<int:pk>/rerun/", matching.rerun, name="matching_rerun"),
                path("<int:pk>/publish/", matching.publish, name="matching_publish"),
                path("hosts/", placement.hosts, name="hosts"),
                path("hosts/new/", placement.host_edit, name="host_create"),
                path("hosts/<int:pk>/edit/", placement.host_edit, name="host_edit"),
                path(
                    "hosts/placements/",
                    placement.placement_runs,
                    {"kind": "hosts"},
                    name="host_placements",
                ),
                path(
                    "hosts/placements/<int:pk>/",
                    placement.placement_run,
                    {"kind": "hosts"},
                    name="host_placement",
                ),
                path(
                    "hosts/placements/<int:pk>/publish/",
                    placement.placement_publish,
                    {"kind": "hosts"},
                    name="host_placement_publish",
                ),
                path(
                    "mentors/",
                    placement.placement_runs,
                    {"kind": "mentors"},
                    name="mentor_pairings",
                ),
                path(
                    "mentors/<int:pk>/",
                    placement.placement_run,
                    {"kind": "mentors"},
                    name="mentor_pairing",
                ),
                path(
                    "mentors/<int:pk>/publish/",
                    placement.placement_publish,
                    {"kind": "mentors"},
                    name="mentor_pairing_publish",
                ),
            ]
        ),
    ),
    path("cohorts/<int:cohort_id>/surveys/", include("exchanges.urls_staff_surveys")),
    path("mail/", mail.outbox, name="mail_outbox"),
    path("mail/<int:pk>/", mail.outbox_detail, name="mail_detail"),
    path("mail/<int:pk>/resend/", mail.outbox_resend, name="mail_resend"),
    path("mail/templates/", mail.mail_templates, name="mail_templates"),
    path(
        "mail/templates/<int:cohort_id>/<str:key>/<str:language>/",
        mail.mail_template_edit,
        name="mail_template_edit",
    ),
    path(
        "mail/templates/<int:cohort_id>/<str:key>/<str:language>/preview/",
        mail.mail_template_preview,
        name="mail_template_preview",
    ),
    path("mail/campaigns/", mail.campaigns, name="campaigns"),
    path("mail/campaigns/new/", mail.campaign_edit, name="campaign_create"),
    path("mail/campaigns/<int:pk>/", mail.campaign_detail, name="campaign_detail"),
    path("mail/campaigns/<int:pk>/edit/", mail.campaign_edit, name="campaign_edit"),
    path("mail/campaigns/<int:pk>/send/", mail.campaign_send_view, name="campaign_send"),
    path("mail/campaigns/<int:pk>/cancel/", mail.campaign_cancel_view, name="campaign_cancel"),
    path(
        "mail/campaigns/<int:pk>/progress/", mail.campaign_progress_view, name="campaign_progress"
    ),
]

urlpatterns = [
    path("mail/unsubscribe/<str:token>/", mail_public.unsubscribe, name="mail_unsubscribe"),
    path("staff/", include((staff_patterns, "staff"))),
    path("review/", include(("exchanges.urls_review", "review"))),
    path("", include(("exchanges.urls_apply", "apply"))),
    path(
        "applications/<int:pk>/matching-profile/",
        matching.matching_profile,
        name="matching_profile",
    ),
]

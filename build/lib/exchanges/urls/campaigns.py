"""URLs of campaigns: staff messages to a filtered audience."""

from django.urls import path

from exchanges.views import campaigns

staff = [
    path("mail/campaigns/", campaigns.campaigns, name="campaigns"),
    path("mail/campaigns/new/", campaigns.campaign_edit, name="campaign_create"),
    path("mail/campaigns/<int:pk>/", campaigns.campaign_detail, name="campaign_detail"),
    path("mail/campaigns/<int:pk>/edit/", campaigns.campaign_edit, name="campaign_edit"),
    path("mail/campaigns/<int:pk>/send/", campaigns.campaign_send_view, name="campaign_send"),
    path("mail/campaigns/<int:pk>/cancel/", campaigns.campaign_cancel_view, name="campaign_cancel"),
    path(
        "mail/campaigns/<int:pk>/progress/",
        campaigns.campaign_progress_view,
        name="campaign_progress",
    ),
]

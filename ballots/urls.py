from django.urls import path

from . import views

app_name = "ballots"
urlpatterns = [
    path("<int:box_id>/", views.link_request, name="link_request"),
    path("<int:box_id>/sent/", views.link_sent, name="link_sent"),
    path("card/<str:token>/", views.card, name="card"),
    path("thanks/", views.thanks, name="thanks"),
    path("receipt/", views.receipt_check, name="receipt_check"),
    path("<int:box_id>/paper/", views.paper_entry, name="paper_entry"),
    path("<int:box_id>/blank-card/", views.blank_card, name="blank_card"),
    path("<int:box_id>/blank-card.pdf", views.blank_card_pdf, name="blank_card_pdf"),
    path("<int:box_id>/report/", views.live_report, name="live_report"),
]

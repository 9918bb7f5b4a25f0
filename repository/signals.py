"""Keep derived values true when Wagtail changes the tree.

Connected in RepositoryConfig.ready(), so admin moves get it as well as code.
"""

from wagtail.signals import post_page_move

from .models import AgencyPage, DisclosurePage


def refresh_agency_after_move(sender, instance, **kwargs):
    """A disclosure belongs to the agency whose part of the tree it sits in."""
    moved = DisclosurePage.objects.descendant_of(instance, inclusive=True)
    for page in moved.only("pk", "path", "depth", "agency_id"):
        agency_page = AgencyPage.objects.ancestor_of(page).order_by("-depth").first()
        agency_id = agency_page.agency_id if agency_page else None
        if page.agency_id != agency_id:
            DisclosurePage.objects.filter(pk=page.pk).update(agency_id=agency_id)


def connect():
    post_page_move.connect(refresh_agency_after_move, dispatch_uid="repository.refresh_agency_after_move")

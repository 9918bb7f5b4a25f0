"""Existing slugs that Wagtail's editor made from Thai titles by dropping every Thai
letter (``-``, ``---``, ``-e-bidding``) become romanised slugs (repository.slugs),
unique among their siblings; the URL paths below them follow, and the page's
revisions carry the new slug so that publishing or reverting a draft does not bring
the old one back. Slugs an editor chose are left alone. Not reversible: the old
slugs were not addresses anyone could rely on (a second page could not have one)."""

from django.db import migrations

from repository import slugs

STEP = 4  # treebeard's path step


def romanise_lossy_slugs(Page, Revision, ContentType):
    page_types = ContentType.objects.filter(app_label="repository")
    changed = 0
    for page in Page.objects.filter(content_type__in=page_types, depth__gt=1).order_by("path"):
        if not slugs.needs_generating(page.slug, page.title):
            continue
        siblings = Page.objects.filter(path__startswith=page.path[:-STEP], depth=page.depth).exclude(pk=page.pk)
        taken = set(siblings.values_list("slug", flat=True))
        base = slugs.page_slug(page.title, page.content_type.model)
        slug, suffix = base, 1
        while slug in taken:
            suffix += 1
            slug = f"{base[: slugs.MAX_LENGTH - len(str(suffix)) - 1].rstrip('-')}-{suffix}"
        old_url_path = Page.objects.values_list("url_path", flat=True).get(pk=page.pk)  # moved by a page above
        new_url_path = old_url_path[: -len(page.slug) - 1] + slug + "/" if old_url_path else old_url_path
        Page.objects.filter(pk=page.pk).update(slug=slug, url_path=new_url_path)
        if old_url_path:
            for below in Page.objects.filter(path__startswith=page.path, depth__gt=page.depth).only("pk", "url_path"):
                if below.url_path.startswith(old_url_path):
                    Page.objects.filter(pk=below.pk).update(url_path=new_url_path + below.url_path[len(old_url_path):])
        for revision in Revision.objects.filter(content_type__in=page_types, object_id=str(page.pk)):
            content = dict(revision.content)
            if "slug" in content:
                content["slug"] = slug
                if "url_path" in content:
                    content["url_path"] = new_url_path
                Revision.objects.filter(pk=revision.pk).update(content=content)
        changed += 1
    return changed


def forwards(apps, schema_editor):
    romanise_lossy_slugs(
        apps.get_model("wagtailcore", "Page"),
        apps.get_model("wagtailcore", "Revision"),
        apps.get_model("contenttypes", "ContentType"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("repository", "0004_page_expiry_index"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

"""The site's defences against abuse, each a small module the rest of the product calls.

``clients`` (who is asking, behind the trusted proxies), ``spreadsheets`` (the one CSV writer,
formula cells neutralised), ``richtext`` (an editor body that is not the JSON it claims → 400),
``login_attempts`` (django-axes' lock-outs and failures, read and unlocked in the Wagtail admin),
``public_url`` (the one configured base URL for absolute links). Depends on nothing of ours.
"""

"""The catalogue of the official forms (报表): every form declaration registers here by its
slug, and any app looks one up by it. A campaign requires and collects forms this way without
importing reports, whose catalogue declares them all and registers them when it is ready."""

_FORMS: dict[str, type] = {}
_ORDER: list[str] = []


def register(cls: type) -> type:
    if cls.slug in _FORMS:
        raise ValueError(f"form slug {cls.slug} declared twice")
    _FORMS[cls.slug] = cls
    return cls


def list_in_order(slugs) -> None:
    """The order `all_forms` gives (the catalogue page's); forms not named come last."""
    _ORDER[:] = slugs


def get_form(slug: str):
    """The declaration of `slug` (a `reports.declarations.FormDeclaration`); KeyError if none."""
    return _FORMS[slug]()


def all_forms() -> list:
    def place(cls):
        return _ORDER.index(cls.slug) if cls.slug in _ORDER else len(_ORDER)

    return [cls() for cls in sorted(_FORMS.values(), key=place)]

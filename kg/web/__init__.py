"""The web explorer of `kg serve`: query page, entity and document pages, search (templates and static assets here)."""

"""A curated, sourced timeline of data-sovereignty events, served as a REST API."""

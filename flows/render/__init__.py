"""Report -> HTML: the Jinja2 environment, its filters, Markdown, charts and fonts. No WeasyPrint."""

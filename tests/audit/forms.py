"""What an organiser's browser posts from an admin form."""


def form_data(response):
    """The POST an admin change form would send as it stands, inlines and their management forms included."""
    data = {}

    def add(form):
        for name, field in form.fields.items():
            value = form[name].value()
            if value is None:
                continue
            if hasattr(field.widget, "decompress"):
                parts = field.widget.decompress(value) if not isinstance(value, list) else value
                for index, (widget, part) in enumerate(zip(field.widget.widgets, parts, strict=True)):
                    data[f"{form.add_prefix(name)}_{index}"] = widget.format_value(part) or ""
                continue
            widget_value = field.widget.format_value(value) if hasattr(field.widget, "format_value") else value
            if isinstance(value, list | tuple):
                data[form.add_prefix(name)] = [str(item) for item in value]
            elif isinstance(value, bool):
                if value:
                    data[form.add_prefix(name)] = "on"
            else:
                data[form.add_prefix(name)] = widget_value if isinstance(widget_value, str) else str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data

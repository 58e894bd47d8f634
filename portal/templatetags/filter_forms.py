"""Helpers of components/filter_form.html, the cheap renderer of filter forms."""

from django import template

register = template.Library()


@register.filter
def choice_options(field) -> list[tuple[str, str, bool]]:
    """(value, label, selected) of a choice field's options, in one pass.

    Iterating a model choice field's choices in a template costs a COUNT query
    (the for tag asks for the length) besides the query of the choices: here
    they are read once.
    """
    current = field.value()
    selected = {str(value) for value in current} if isinstance(current, list | tuple) else {str(current or "")}
    return [(str(value), label, str(value) in selected) for value, label in field.field.choices]

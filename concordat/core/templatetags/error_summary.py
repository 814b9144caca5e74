"""Where an error summary's link goes: the first box of a date, the first choice of radios or checkboxes.

crispy-forms-gds links a field's error to the field's own id. A text input has it; a date's day, month and
year boxes and each radio or checkbox have ids of their own, and the id names a <div> (or nothing) that
cannot take focus, so following the link left focus on the link. GOV.UK: the link moves focus to the field.
"""

from __future__ import annotations

from django import forms, template
from django.forms.boundfield import BoundField

register = template.Library()


@register.filter
def error_target(field_id: str, bound_field: BoundField) -> str:
    """The id the error summary links to for an error of `bound_field` filed under `field_id`."""
    if field_id != bound_field.auto_id:
        return field_id  # a box of a date, already its own id (id_date_1)
    widget = bound_field.field.widget
    if isinstance(widget, forms.MultiWidget):
        return f"{field_id}_0"  # the day, the first box
    if isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
        return f"{field_id}_1"  # crispy-forms-gds numbers choices from 1
    return field_id

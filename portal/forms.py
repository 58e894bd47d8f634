"""One form renderer for the whole portal: Bootstrap Italia markup for every
field, accessible error and help text links, used by our forms and allauth's."""

from django.forms import BoundField
from django.forms.renderers import TemplatesSetting

_CHECK_WIDGETS = {"checkbox", "radioselect", "checkboxselectmultiple"}


class PortalBoundField(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget_type = self.widget_type
        if widget_type in _CHECK_WIDGETS:
            css = "form-check-input"
        elif widget_type in {"select", "selectmultiple"}:
            css = "form-select"
        else:
            css = "form-control"
        if self.errors:
            css += " is-invalid"
        attrs["class"] = f"{attrs.get('class', '')} {css}".strip()
        return attrs


class PortalFormRenderer(TemplatesSetting):
    form_template_name = "components/form.html"
    field_template_name = "components/field.html"
    bound_field_class = PortalBoundField

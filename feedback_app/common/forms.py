"""The base form every form uses: strips surrounding whitespace, and NUL characters, from text."""
from flask_wtf import FlaskForm


def _strip(value):
    # PostgreSQL refuses NUL in text (a 500 where a form should simply take the text); no one means to type one.
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


class BaseForm(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = unbound_field.kwargs.get("filters", [])
            if _strip not in filters:
                unbound_field.kwargs["filters"] = [_strip, *filters]
            return unbound_field.bind(form=form, **options)

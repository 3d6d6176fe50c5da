from django import forms

from .models import Inspiration


class InspirationForm(forms.ModelForm):
    class Meta:
        model = Inspiration
        fields = ["title", "person", "age", "place", "is_local", "summary", "body", "link_url"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}

    link_url = forms.URLField(
        label=Inspiration._meta.get_field("link_url").verbose_name,
        required=False,
        max_length=500,
        assume_scheme="https",
    )

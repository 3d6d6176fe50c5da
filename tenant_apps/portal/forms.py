from django import forms

from .models import Inspiration


class InspirationForm(forms.ModelForm):
    class Meta:
        model = Inspiration
        fields = ["title", "person", "age", "place", "is_local", "summary", "body", "link_url"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}

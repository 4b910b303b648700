"""The upload field of every import form: type and size checked before the file is read."""

from django import forms

from .reading import SUPPORTED_EXTENSIONS, ImportFileError, check_upload_size


class SpreadsheetField(forms.FileField):
    def __init__(self, *args, extensions: tuple[str, ...] = SUPPORTED_EXTENSIONS, **kwargs):
        self.extensions = extensions
        kwargs.setdefault(
            "help_text", "、".join(e for e in extensions if e != ".xlsm") + "，第一个工作表"
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            if not upload.name.lower().endswith(self.extensions):
                shown = "、".join(e for e in self.extensions if e != ".xlsm")
                raise forms.ValidationError(f"请上传 {shown} 文件")
            try:
                check_upload_size(upload.size)
            except ImportFileError as exc:
                raise forms.ValidationError(str(exc)) from None
        return upload

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record nobody adds, changes or deletes in the admin, superusers included: it is read, filtered, linked."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

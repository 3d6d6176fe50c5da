"""Keep the host cache honest: a change to a city or one of its domains makes that city's hosts
stale (and, for a domain added or renamed, the hosts cached as unknown), never another city's."""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from .models import City, Domain
from .resolution import hosts_changed


@receiver([post_save, post_delete], sender=City)
def city_hosts_changed(instance: City, **kwargs) -> None:
    hosts_changed(schema_names=[instance.schema_name])


@receiver(pre_save, sender=Domain)
def domain_moving(instance: Domain, **kwargs) -> None:
    """A domain row given to another city, or renamed: its former city's hosts are stale too."""
    instance._tremplin_former_schema = None
    if instance.pk is None:
        return
    former = (
        Domain.objects.filter(pk=instance.pk).values_list("tenant__schema_name", "domain").first()
    )
    if former is not None and (former[0] != _schema_of(instance) or former[1] != instance.domain):
        instance._tremplin_former_schema = former[0]


@receiver([post_save, post_delete], sender=Domain)
def domain_hosts_changed(instance: Domain, **kwargs) -> None:
    schemas = [_schema_of(instance), getattr(instance, "_tremplin_former_schema", None)]
    # A new or renamed host may have been cached as unknown; a deleted one needs no such care.
    unknown = kwargs.get("created", False) or schemas[1] is not None
    hosts_changed(schema_names=[s for s in schemas if s], unknown=unknown)


def _schema_of(domain: Domain) -> str | None:
    try:
        city = domain.tenant
    except City.DoesNotExist:
        return None
    return city.schema_name if city is not None else None

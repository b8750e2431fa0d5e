from typing import Literal

PricingTiersAdditionalPropertyBilling = Literal["metered", "prepaid"]

PRICING_TIERS_ADDITIONAL_PROPERTY_BILLING_VALUES: set[PricingTiersAdditionalPropertyBilling] = {
    "metered",
    "prepaid",
}


def check_pricing_tiers_additional_property_billing(value: str) -> PricingTiersAdditionalPropertyBilling:
    if value in PRICING_TIERS_ADDITIONAL_PROPERTY_BILLING_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {PRICING_TIERS_ADDITIONAL_PROPERTY_BILLING_VALUES!r}")

"""Models of tie variation: external covariates, specifications and estimators,
and their inference."""

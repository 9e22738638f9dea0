"""The Prefect flows, deployments and server: the only place that imports Prefect."""

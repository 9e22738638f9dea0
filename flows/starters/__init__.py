"""What `agenda2030 new` and `new-edition` write: starter files for departments and editions."""

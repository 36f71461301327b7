"""Edit/create forms: validation next to each field, ctrl+s saves through the store."""

//! Small builders shared by the migrations, so every table is declared the same way.

use sea_orm_migration::{prelude::*, schema::*};

/// A `CHECK (col IN (...))` constraint on a short status column.
pub fn status<T: IntoIden + Clone + 'static>(col: T, allowed: &[&str]) -> ColumnDef {
    let allowed: Vec<String> = allowed.iter().map(|s| (*s).to_owned()).collect();
    string_len(col.clone(), 32)
        .check(Expr::col(col).is_in(allowed))
        .to_owned()
}

/// An inline foreign key (SQLite cannot add one after the table exists).
pub fn fk(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(on_delete)
        .on_update(ForeignKeyAction::Cascade)
        .to_owned()
}

/// A (possibly unique) index; `IF NOT EXISTS` keeps re-runs harmless.
pub fn index(
    name: &str,
    table: impl IntoIden,
    cols: &[&'static str],
    unique: bool,
) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(name).table(table).if_not_exists();
    for col in cols {
        stmt.col(Alias::new(*col));
    }
    if unique {
        stmt.unique();
    }
    stmt.to_owned()
}

/// Creates the indexes of one table.
pub async fn create_indexes(
    manager: &SchemaManager<'_>,
    indexes: Vec<IndexCreateStatement>,
) -> Result<(), DbErr> {
    for index in indexes {
        manager.create_index(index).await?;
    }
    Ok(())
}

/// Drops tables, in the order given (dependents first); `IF EXISTS` keeps re-runs harmless.
pub async fn drop_tables(manager: &SchemaManager<'_>, tables: Vec<DynIden>) -> Result<(), DbErr> {
    for table in tables {
        manager
            .drop_table(Table::drop().table(table).if_exists().to_owned())
            .await?;
    }
    Ok(())
}

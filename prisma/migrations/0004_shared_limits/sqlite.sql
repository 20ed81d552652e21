-- CreateTable
CREATE TABLE "IntakeWindow" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "windowEnd" TEXT NOT NULL,
    "count" INTEGER NOT NULL
) WITHOUT ROWID;


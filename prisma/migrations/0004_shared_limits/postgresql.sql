-- CreateTable
CREATE TABLE "IntakeWindow" (
    "id" TEXT NOT NULL,
    "windowEnd" TEXT NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "IntakeWindow_pkey" PRIMARY KEY ("id")
);


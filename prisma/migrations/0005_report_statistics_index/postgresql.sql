-- CreateIndex
CREATE INDEX "Report_statistics_idx" ON "Report"("id", "organisationId", "isComplete", "status");


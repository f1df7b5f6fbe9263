"""The supervision ledger (督查台账): what a supervisor must look at, and its queries."""

"""Projects and funds: school-building projects from approval to use, money by source, delay alerts, preschool coverage."""
